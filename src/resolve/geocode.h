// Places from the gazetteer: finding names in a sentence, and choosing which place a name means in its
// document (the right Osh, Paris or Georgia).
//
// Finding. Lexicon places, countries, people and organisations come first; the gazetteer is asked about the
// capitalised words left over (every word, in scripts without capitals). A name is the longest run of up to
// five words filed in the gazetteer. Words a lexicon of the language knows ("Police", "March"), words at the
// start of a sentence and capitalised nouns (German) need evidence: a locative preposition before them, or a
// large place. A name inside a longer run of unknown capitalised words ("Jordan Peterson") is a person's
// or a company's, not a place.
//
// Choosing (doc/gazetteer.md). Each place filed under a name scores its size (log population), its rank
// (capital, regional seat, region), the countries the document names (more for its focus country), a
// region or country written right after it ("Paris, Texas"; "Edmonton, Alberta"), and, on a second pass,
// the regions and places already chosen nearby. The best place wins when its score passes a bar; a name
// whose best place stays below the bar is a name, not a place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/scratch.h"
#include "tocsin/document.h"

namespace tocsin::resolve {

// Adds a kPlace mention (Mention::geo = -2 - key id until chosen) for each gazetteer name among the
// uncovered tokens of sentence `si`; marks their tokens covered (`covered` is indexed from the sentence's
// first token). The sentence's mentions so far are (*out)[first, end) (`out` may be the document's own
// mentions, which `doc` is not asked for); a lexicon mention a place name swallows is removed from there.
void FindGazetteerNames(const Doc& doc, Scratch& s, uint32_t si, std::vector<uint8_t>* covered,
                        std::vector<Mention>* out, size_t first);

// Chooses a place for every gazetteer mention of the document; a mention whose best place scores below
// the bar becomes a plain name (MentionKind::kName).
// Returns whether any mention was weighed (the document's focus may then need a second look).
bool ChooseGazetteerPlaces(Doc& doc, Scratch& s);

// How a name would resolve with `countries` (ISO3) as context: places filed under `name`, best first, with
// their scores and the reasons (`tocsin geo`).
struct GeoChoice {
  uint32_t place = 0;
  double score = 0;
  std::vector<std::string> why;
};
std::vector<GeoChoice> RankPlaces(const internal::ModelData& model, const std::string& name,
                                  const std::vector<std::string>& countries);

}  // namespace tocsin::resolve
