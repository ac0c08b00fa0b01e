#include <catch2/catch.hpp>

#include "aoefs/fs/target_table.hpp"
#include "aoefs/util/target_name.hpp"
#include "support/memory_block_device.hpp"

using namespace aoefs;

TEST_CASE("target table: names, stable inodes, presence") {
  TargetTable table;
  const aoe::TargetAddress a{1, 0}, b{300, 17};
  CHECK(file_name_of(b) == "e300.17");
  CHECK(inode_of(a) != inode_of(b));
  CHECK(inode_of(a) != kRootInode);

  auto dev = std::make_shared<aoetest::MemoryBlockDevice>(128);
  table.update(a, true, dev);
  table.update(b, true, nullptr);  // seen, but no device yet: not listed
  REQUIRE(table.present_files().size() == 1);
  auto f = table.by_name("e1.0");
  REQUIRE(f);
  CHECK(f->inode == inode_of(a));
  CHECK(f->size_bytes() == 128 * 512);
  CHECK(f->device == dev);

  const auto lock_before = f->lock;
  table.update(a, false, nullptr);  // target went down: still a file
  CHECK(table.present_files().empty());
  REQUIRE(table.listed_files().size() == 1);
  REQUIRE(table.by_name("e1.0"));
  CHECK_FALSE(table.by_name("e1.0")->present);
  CHECK(table.listed_files().front().size_bytes() == 128 * 512);
  auto by_ino = table.by_inode(inode_of(a));
  REQUIRE(by_ino);  // open descriptors keep reaching it
  CHECK(by_ino->device == dev);

  table.update(a, true, nullptr);  // back with the same capacity
  REQUIRE(table.by_name("e1.0"));
  CHECK(table.by_name("e1.0")->device == dev);
  CHECK(table.by_name("e1.0")->lock == lock_before);
}

TEST_CASE("target table: a down target is forgotten only by the admin or after forget_after") {
  TargetTable table;
  const aoe::TargetAddress a{1, 0}, b{2, 0};
  auto dev = std::make_shared<aoetest::MemoryBlockDevice>(8);
  table.update(a, true, dev);
  table.update(b, true, dev);
  CHECK(table.forget(inode_of(a)) == TargetTable::ForgetResult::present);  // it answers
  CHECK(table.forget(inode_of({9, 9})) == TargetTable::ForgetResult::unknown);
  table.update(a, false, nullptr);
  table.update(b, false, nullptr);
  CHECK(table.forget(inode_of(a)) == TargetTable::ForgetResult::forgotten);
  CHECK(table.forget(inode_of(a)) == TargetTable::ForgetResult::unknown);
  CHECK_FALSE(table.by_name("e1.0"));
  REQUIRE(table.by_inode(inode_of(a)));  // descriptors still open reach it
  REQUIRE(table.listed_files().size() == 1);

  const auto now = std::chrono::steady_clock::now();
  CHECK(table.forget_down_since(std::chrono::hours(1), now).empty());
  const auto gone = table.forget_down_since(std::chrono::seconds(0), now + std::chrono::seconds(1));
  REQUIRE(gone.size() == 1);
  CHECK(gone.front().name == "e2.0");
  CHECK(table.listed_files().empty());

  table.update(a, true, nullptr);  // back: listed again
  REQUIRE(table.by_name("e1.0"));
  CHECK(table.by_name("e1.0")->present);
}
