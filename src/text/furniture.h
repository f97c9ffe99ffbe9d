// Page furniture in plain text: the appeals, comment forms, share bars and site bylines that a copied web
// page drags along ("Donate via Paypal", "Leave a Reply", "[Source]"). Rules, not strings of one site:
// data/text/furniture.tsv lists the phrases, lines and HTML classes (doc/extraction.md, "Page furniture").
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tocsin/document.h"

namespace tocsin::text {

struct Furniture {
  std::vector<std::string> phrases;  // case-folded; a paragraph containing one is furniture (see FindFurniture)
  std::vector<std::string> lines;    // case-folded; a paragraph that is exactly one is furniture anywhere
  std::vector<std::string> classes;  // HTML class/id words of furniture containers

  // Builds the index of `phrases` that ContainsPhrase uses; call once the lists are complete.
  void Index();
  // True when `folded` (case-folded) contains one of `phrases`. One pass over the text whatever the number
  // of phrases: each position's first two bytes are checked against those of the phrases (a bit set), and
  // only the phrases that begin so are compared. Without Index(), the phrases are searched one by one.
  bool ContainsPhrase(std::string_view folded) const;

  // Built by Index() (public only so that a Furniture stays an aggregate: {phrases, lines, classes}).
  struct PhraseIndex {
    std::array<uint64_t, 1024> first_two{};                            // bit per two-byte beginning
    std::unordered_map<uint16_t, std::vector<uint32_t>> by_first_two;  // -> indices into phrases
    std::vector<uint32_t> short_phrases;                               // of one byte: searched directly
  };
  std::shared_ptr<const PhraseIndex> index_;
};

// The byte ranges of `text` (paragraphs separated by blank lines; lines of a paragraph separated by one
// line break) that are furniture:
//  - anywhere: a line that is one of `lines`; a short line (at most 12 words) containing a phrase;
//  - at the end: the run of paragraphs that ends the text made of paragraphs holding a phrase or a
//    furniture line and of short paragraphs without a full stop (site names, "+ posts", "Facebook"),
//    scanned back over datelines ("March 2005", which are kept) and stopped by the first paragraph of prose.
// Ranges are sorted, disjoint, and cover whole lines without their line breaks.
std::vector<Span> FindFurniture(std::string_view text, const Furniture& f);

// `text` without `ranges` (sorted, disjoint); a removed line leaves no blank line behind.
std::string RemoveRanges(std::string_view text, const std::vector<Span>& ranges);

// Lower-case for matching: ICU case folding of UTF-8.
std::string FoldForMatch(std::string_view s);

}  // namespace tocsin::text
