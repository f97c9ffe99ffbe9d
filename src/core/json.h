// Minimal JSON writing for the output records: appends to a string, escapes as RFC 8259 requires.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tocsin::json {

void AppendString(std::string_view s, std::string* out);  // with quotes
void AppendNumber(double v, std::string* out);            // shortest round-trip form, NaN/inf as null
void AppendInt(int64_t v, std::string* out);

}  // namespace tocsin::json
