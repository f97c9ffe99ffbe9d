#include "text/stem.h"

#include <libstemmer.h>

namespace tocsin::text {

std::unique_ptr<Stemmer> Stemmer::Create(const std::string& algorithm) {
  std::unique_ptr<Stemmer> s(new Stemmer());
  if (!algorithm.empty() && algorithm != "none") {
    s->stemmer_ = sb_stemmer_new(algorithm.c_str(), "UTF_8");
    if (s->stemmer_ == nullptr) return nullptr;
  }
  return s;
}

Stemmer::~Stemmer() {
  if (stemmer_) sb_stemmer_delete(stemmer_);
}

std::string_view Stemmer::Stem(std::string_view folded) {
  if (!stemmer_ || folded.empty()) return folded;
  const sb_symbol* r =
      sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(folded.data()), static_cast<int>(folded.size()));
  if (!r) return folded;
  return std::string_view(reinterpret_cast<const char*>(r), static_cast<size_t>(sb_stemmer_length(stemmer_)));
}

}  // namespace tocsin::text
