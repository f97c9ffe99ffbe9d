// Numbers and dates: the two little grammars of the entities stage.
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/scratch.h"
#include "tocsin/document.h"

namespace tocsin::extract {

// Finds date expressions in sentence `si` and appends them to s.dates, marking their tokens in s.used.
// Relative expressions ("Thursday", "last week") are resolved against s.published when it is known.
void FindDates(const Doc& doc, Scratch& s, uint32_t si);

// Finds stated numbers in sentence `si` (digits "3,000", words "ten thousand", vague "dozens", with
// qualifiers "over", "at least") and appends them to s.quantities. Tokens already used by dates, money
// ("$330") and percentages ("100%") are not numbers of people.
void FindQuantities(const Doc& doc, Scratch& s, uint32_t si);

// Calendar helpers (proleptic Gregorian), exposed for tests.
int64_t DaysFromCivil(int y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d);
std::string FormatDate(int y, unsigned m, unsigned d);  // "2010-04-07"; d == 0 gives "2010-04"

}  // namespace tocsin::extract
