#include "text/stem.h"

#include <libstemmer.h>

#include <algorithm>

namespace tocsin::text {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::unique_ptr<Stemmer> Stemmer::Create(const std::string& algorithm, std::vector<std::string> suffixes) {
  std::unique_ptr<Stemmer> s(new Stemmer());
  if (algorithm == "suffix") {
    std::stable_sort(suffixes.begin(), suffixes.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    s->suffixes_ = std::move(suffixes);
  } else if (!algorithm.empty() && algorithm != "none") {
    s->stemmer_ = sb_stemmer_new(algorithm.c_str(), "UTF_8");
    if (s->stemmer_ == nullptr) return nullptr;
  }
  return s;
}

Stemmer::~Stemmer() {
  if (stemmer_) sb_stemmer_delete(stemmer_);
}

std::string_view Stemmer::Stem(std::string_view folded) {
  if (!suffixes_.empty()) {
    for (const std::string& suf : suffixes_)
      if (folded.size() > suf.size() && folded.compare(folded.size() - suf.size(), suf.size(), suf) == 0 &&
          CodePoints(folded.substr(0, folded.size() - suf.size())) >= 3)
        return folded.substr(0, folded.size() - suf.size());
    return folded;
  }
  if (!stemmer_ || folded.empty()) return folded;
  const sb_symbol* r =
      sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(folded.data()), static_cast<int>(folded.size()));
  if (!r) return folded;
  return std::string_view(reinterpret_cast<const char*>(r), static_cast<size_t>(sb_stemmer_length(stemmer_)));
}

}  // namespace tocsin::text
