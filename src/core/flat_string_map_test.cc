#include "core/flat_string_map.h"

#include <gtest/gtest.h>

#include <string>

namespace tocsin::internal {
namespace {

struct Ids {
  uint32_t a = 0, b = 0;
};

TEST(FlatStringMap, FindsWhatWasInsertedAcrossGrowth) {
  FlatStringMap<Ids> map;
  EXPECT_EQ(map.Find("protest"), nullptr);  // an empty map has no table yet
  // Enough keys to double the table several times, with shared prefixes and the empty word.
  for (uint32_t i = 0; i < 5000; ++i) map.Insert("w" + std::to_string(i), {i, i * 2});
  map.Insert("", {7, 7});
  ASSERT_EQ(map.size(), 5001u);
  for (uint32_t i = 0; i < 5000; ++i) {
    const Ids* ids = map.Find("w" + std::to_string(i));
    ASSERT_NE(ids, nullptr) << i;
    EXPECT_EQ(ids->a, i);
    EXPECT_EQ(ids->b, i * 2);
  }
  ASSERT_NE(map.Find(""), nullptr);
  EXPECT_EQ(map.Find("")->a, 7u);
  EXPECT_EQ(map.Find("w5000"), nullptr);
  EXPECT_EQ(map.Find("w"), nullptr);
  EXPECT_EQ(map.Find("w12 "), nullptr);
}

TEST(FlatStringMap, ClearForgetsEveryKeyAndTheirBytes) {
  FlatStringMap<Ids> map;
  map.Insert("arrested", {1, 2});
  map.Insert("detained", {3, 4});
  EXPECT_EQ(map.key_bytes(), 16u);
  map.clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.key_bytes(), 0u);
  EXPECT_EQ(map.Find("arrested"), nullptr);
  map.Insert("arrested", {5, 6});
  ASSERT_NE(map.Find("arrested"), nullptr);
  EXPECT_EQ(map.Find("arrested")->a, 5u);
}

}  // namespace
}  // namespace tocsin::internal
