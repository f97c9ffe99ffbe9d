// Text normalisation: NFC, whitespace hygiene, case folding.
#pragma once

#include <string>
#include <string_view>

namespace tocsin::text {

// Writes the coded form of valid UTF-8 `in` to `out`: Unicode NFC; CR LF and CR become LF; no-break,
// narrow and other Unicode spaces and tabs become a plain space; runs of spaces collapse to one; spaces at
// the start and end of lines go; zero-width characters, soft hyphens and C0/C1 controls other than LF are
// dropped; more than one blank line collapses to one. Invariant: the result is valid NFC UTF-8 and every
// paragraph break is exactly "\n\n".
void CleanText(std::string_view in, std::string* out);

// Appends the case-folded form of `word` (valid UTF-8) to `out`, with typographic apostrophes (’ ‘ ʼ)
// folded to ' so that "haven’t" and "haven't" are one word, and decimal digits of any script folded to
// ASCII ("١٢٠" → "120"), and Arabic punctuation to its Latin counterpart ("،" → ","). ASCII takes a fast
// path without ICU.
void FoldCase(std::string_view word, std::string* out);
// The same through ICU's full case folding alone (FoldCase takes a table for most characters).
void FoldCaseIcu(std::string_view word, std::string* out);

// `s` (valid UTF-8) without its accents and other combining marks: "rán" → "ran", "ção" → "cao". Headlines
// in capitals are often written so ("MARCHARAN", "FARAO").
std::string StripMarks(std::string_view s);

}  // namespace tocsin::text
