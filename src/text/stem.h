// Snowball stemming (libstemmer).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct sb_stemmer;

namespace tocsin::text {

// Thread safety: one Stemmer per thread (libstemmer keeps state in the stemmer object).
class Stemmer {
 public:
  // `algorithm` is a Snowball name ("english", "french", "norwegian"); "suffix" strips the longest of
  // `suffixes` that leaves at least three letters (for languages Snowball lacks, such as Ukrainian); an
  // empty name or "none" gives the identity stemmer. Null when libstemmer has no such algorithm.
  static std::unique_ptr<Stemmer> Create(const std::string& algorithm, std::vector<std::string> suffixes = {});
  ~Stemmer();
  // Stem of a case-folded word. The view is valid until the next call.
  std::string_view Stem(std::string_view folded);
  bool identity() const { return stemmer_ == nullptr; }

 private:
  Stemmer() = default;
  sb_stemmer* stemmer_ = nullptr;
  std::vector<std::string> suffixes_;  // longest first
};

// Number of code points in a UTF-8 string.
size_t CodePoints(std::string_view s);

}  // namespace tocsin::text
