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
  table.update(a, false, nullptr);  // target went down
  CHECK(table.present_files().empty());
  CHECK_FALSE(table.by_name("e1.0"));
  auto by_ino = table.by_inode(inode_of(a));
  REQUIRE(by_ino);  // open descriptors keep reaching it
  CHECK(by_ino->device == dev);

  table.update(a, true, nullptr);  // back with the same capacity
  REQUIRE(table.by_name("e1.0"));
  CHECK(table.by_name("e1.0")->device == dev);
  CHECK(table.by_name("e1.0")->lock == lock_before);
}
