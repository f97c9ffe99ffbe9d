// Minimal JSON writing for the output records: appends to a string, escapes as RFC 8259 requires.
//
// These sit on the output hot path (every event and document record), so each is written to do little per
// byte; their output is fixed (FORMAT.md records are compared byte for byte), and json_test.cc checks each
// against the plain implementation it replaced.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tocsin::json {

// `s` with quotes. `"`, `\` and the bytes below 0x20 are escaped (\n, \r, \t by name, the others as
// \u00XX with lower-case hex); every other byte, including invalid UTF-8, is copied as it is.
void AppendString(std::string_view s, std::string* out);

// Exactly what printf("%.6g") writes (6 significant digits, trailing zeros dropped, e-form when the
// decimal exponent is below -4 or at least 6, e.g. 1e+06, 1.5e-05); NaN and infinities as null.
void AppendNumber(double v, std::string* out);

void AppendInt(int64_t v, std::string* out);

}  // namespace tocsin::json
