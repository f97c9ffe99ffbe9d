// FlatStringMap: a hash map from strings to small values for the per-thread caches on the hot path.
//
// std::unordered_map pays, per lookup, a division by a prime to find the bucket and a walk through a node
// allocated on its own (a cache miss or two); the term cache of the match stage made that 7% of coding.
// Here a lookup is one probe sequence in one array: open addressing with linear probing in a power-of-two
// table, the full hash kept in each slot (so a different key is told apart without reading it), the keys
// kept end to end in one arena. No erase: a cache is cleared whole.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tocsin::internal {

template <typename V>
class FlatStringMap {
  static_assert(std::is_trivially_copyable_v<V>, "values are copied when the table grows");

 public:
  // The value of `key`, or nullptr.
  const V* Find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    const uint64_t h = Hash(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.len == kEmpty) return nullptr;
      if (s.hash == h && s.len == key.size() && std::memcmp(arena_.data() + s.begin, key.data(), key.size()) == 0)
        return &s.value;
    }
  }

  // Adds `key` (which must not be in the map yet) with `value`; returns where the value is kept, valid
  // until the next Insert or clear.
  V* Insert(std::string_view key, const V& value) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const uint64_t h = Hash(key);
    size_t i = h & mask_;
    while (slots_[i].len != kEmpty) i = (i + 1) & mask_;
    Slot& s = slots_[i];
    s.hash = h;
    s.begin = arena_.size();
    s.len = key.size();
    s.value = value;
    arena_.append(key);
    ++size_;
    return &s.value;
  }

  size_t size() const { return size_; }
  // Bytes of keys held (callers bound a cache by this as well as by size()).
  size_t key_bytes() const { return arena_.size(); }

  // Forgets every key; keeps the table's memory for the keys to come.
  void clear() {
    for (Slot& s : slots_) s.len = kEmpty;
    arena_.clear();
    size_ = 0;
  }

 private:
  static constexpr size_t kEmpty = ~size_t{0};
  struct Slot {
    uint64_t hash = 0;
    size_t begin = 0;
    size_t len = kEmpty;  // kEmpty: a free slot
    V value{};
  };

  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.len == kEmpty) continue;
      size_t i = s.hash & mask_;
      while (slots_[i].len != kEmpty) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::string arena_;
  size_t size_ = 0;
};

}  // namespace tocsin::internal
