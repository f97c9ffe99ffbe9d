// Numbers and dates: the two little grammars of the entities stage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/scratch.h"
#include "tocsin/document.h"

namespace tocsin::extract {

// The date and number entries starting at a token of a sentence (null when none).
struct TokenEntries {
  const internal::Entry* date = nullptr;
  uint32_t date_end = 0;
  const internal::Entry* number = nullptr;
  uint32_t number_end = 0;
};
// Fills `at` (one per token of sentence `si`, indexed from its first token) from the sentence's matches.
// Both grammars below read it: the caller builds it once per sentence, in a vector it reuses.
void EntriesAt(const Doc& doc, const Scratch& s, uint32_t si, std::vector<TokenEntries>* at);

// Finds date expressions in sentence `si` and appends them to s.dates, marking their tokens in s.used.
// Relative expressions ("Thursday", "last week") are resolved against s.published when it is known.
// `at`: EntriesAt of the sentence.
void FindDates(const Doc& doc, Scratch& s, uint32_t si, const std::vector<TokenEntries>& at);

// Finds stated numbers in sentence `si` (digits "3,000", words "ten thousand", vague "dozens", with
// qualifiers "over", "at least") and appends them to s.quantities. Tokens already used by dates, money
// ("$330") and percentages ("100%") are not numbers of people. `at`: EntriesAt of the sentence.
void FindQuantities(const Doc& doc, Scratch& s, uint32_t si, const std::vector<TokenEntries>& at);

// Calendar helpers (proleptic Gregorian), exposed for tests.
int64_t DaysFromCivil(int y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d);
std::string FormatDate(int y, unsigned m, unsigned d);  // "2010-04-07"; d == 0 gives "2010-04"

}  // namespace tocsin::extract
