// Snowball stemming (libstemmer).
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct sb_stemmer;

namespace tocsin::text {

// Thread safety: one Stemmer per thread (libstemmer keeps state in the stemmer object).
class Stemmer {
 public:
  // `algorithm` is a Snowball name ("english", "french", "norwegian"); an empty name or "none" gives the
  // identity stemmer, for languages Snowball lacks.
  static std::unique_ptr<Stemmer> Create(const std::string& algorithm);
  ~Stemmer();
  // Stem of a case-folded word. The view is valid until the next call.
  std::string_view Stem(std::string_view folded);
  bool identity() const { return stemmer_ == nullptr; }

 private:
  Stemmer() = default;
  sb_stemmer* stemmer_ = nullptr;
};

}  // namespace tocsin::text
