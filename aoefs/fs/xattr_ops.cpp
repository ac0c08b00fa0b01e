#include "aoefs/fs/xattr_ops.hpp"

#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "aoefs/fs/errno_mapping.hpp"
#include "aoefs/fs/fs_context.hpp"
#include "aoefs/fs/interruptible_reply.hpp"
#include "aoefs/fs/mask_edit.hpp"
#include "aoefs/fs/xattr_values.hpp"
#include "aoefs/util/log.hpp"
#include "aoefs/util/target_name.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {
namespace {

// getxattr/listxattr: size 0 asks for the length; a smaller buffer is ERANGE.
void reply_value(fuse_req_t req, std::size_t size, const std::string& value) {
  if (size == 0)
    fuse_reply_xattr(req, value.size());
  else if (value.size() > size)
    fuse_reply_err(req, ERANGE);
  else
    fuse_reply_buf(req, value.data(), value.size());
}

void reply_error(fuse_req_t req, const std::error_code& ec) { fuse_reply_err(req, to_errno(ec)); }

// The target behind `ino` and the initiator; else replies `absent_errno`
// (root, .stats: no such attribute) or ENOTSUP (no initiator) and returns false.
struct Subject {
  aoe::Initiator* initiator = nullptr;
  aoe::TargetAddress address;
};
bool find_subject(fuse_req_t req, fuse_ino_t ino, int absent_errno, Subject& out) {
  auto& ctx = context(req);
  auto f = ctx.table->by_inode(ino);
  if (!f) return fuse_reply_err(req, absent_errno), false;  // e.g. MOUNTPOINT/.stats
  if (!ctx.initiator) return fuse_reply_err(req, ENOTSUP), false;
  out = {ctx.initiator, f->address};
  return true;
}

void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
  const auto which = xattr_by_name(name);
  if (!which) return (void)fuse_reply_err(req, ENODATA);
  Subject s;
  if (!find_subject(req, ino, ENODATA, s)) return;
  // Reads that ask the target may be interrupted (a signal to the caller
  // gets EINTR at once instead of waiting for the command's patience).
  switch (*which) {
    case Xattr::config: {
      const auto once = InterruptibleReply::watch(req);
      s.initiator->query_config(s.address, aoe::ConfigCommand::read, {},
                                [req, size, once](std::error_code ec, const aoe::ConfigReply& r) {
                                  if (!once.claim()) return;
                                  if (ec) return reply_error(req, ec);
                                  reply_value(req, size, r.config_storage);
                                });
      return;
    }
    case Xattr::reserve: {
      const auto once = InterruptibleReply::watch(req);
      s.initiator->reserve(s.address, aoe::ReserveMessage{},
                           [req, size, once](std::error_code ec, const aoe::ReserveMessage& r) {
                             if (!once.claim()) return;
                             if (ec) return reply_error(req, ec);
                             reply_value(req, size, format_mac_list(r.macs));
                           });
      return;
    }
    case Xattr::mask: {
      const auto once = InterruptibleReply::watch(req);
      s.initiator->mac_mask(s.address, aoe::MacMaskMessage{},
                            [req, size, once](std::error_code ec, const aoe::MacMaskMessage& m) {
                              if (!once.claim()) return;
                              if (ec) return reply_error(req, ec);
                              reply_value(req, size, format_mask_list(m));
                            });
      return;
    }
    default: {
      auto info = s.initiator->target(s.address);
      if (!info) return (void)fuse_reply_err(req, ENXIO);
      reply_value(req, size, snapshot_xattr_value(*which, *info));
    }
  }
}

void set_config(fuse_req_t req, const Subject& s, aoe::ConfigCommand cmd, std::string value) {
  s.initiator->query_config(
      s.address, cmd, std::move(value),
      [req](std::error_code ec, const aoe::ConfigReply&) { reply_error(req, ec); });
}

void set_reserve(fuse_req_t req, const Subject& s, const ReserveRequest& r) {
  aoe::ReserveMessage msg;
  msg.command = static_cast<std::uint8_t>(r.force ? aoe::ReserveCommand::force_set
                                                  : aoe::ReserveCommand::set);
  msg.macs = r.macs;
  s.initiator->reserve(
      s.address, std::move(msg),
      [req](std::error_code ec, const aoe::ReserveMessage&) { reply_error(req, ec); });
}

// The edit is sent only if the mask it leaves still lets this mount in
// (mask_edit.hpp): the current list is read first.
void edit_mask(fuse_req_t req, const Subject& s, std::vector<aoe::MaskDirective> edit) {
  auto info = s.initiator->target(s.address);
  if (!info) return (void)fuse_reply_err(req, ENXIO);
  std::vector<aoe::MacAddress> own;
  std::vector<std::string> own_ports;
  for (const auto& p : info->paths) {
    own.push_back(p.local_mac);
    own_ports.push_back(p.interface);
  }
  aoe::Initiator* initiator = s.initiator;
  const aoe::TargetAddress address = s.address;
  initiator->mac_mask(
      address, aoe::MacMaskMessage{},
      [req, initiator, address, edit = std::move(edit), own, own_ports](
          std::error_code ec, const aoe::MacMaskMessage& current) mutable {
        if (ec) return reply_error(req, ec);
        std::vector<aoe::MacAddress> list;
        for (const auto& d : current.directives) list.push_back(d.mac);
        const auto missing = macs_left_out(apply_mask_edit(std::move(list), edit), own);
        if (!missing.empty()) {
          std::string macs;
          for (const auto& mac : missing) {
            const auto i =
                static_cast<std::size_t>(std::find(own.begin(), own.end(), mac) - own.begin());
            macs += (macs.empty() ? "" : ", ") + mac.to_string() + " (" + own_ports[i] + ")";
          }
          log_message(LogLevel::warning,
                      "%s: mask edit refused (EPERM): it leaves out this host's MAC%s %s, which "
                      "would lock this mount out; include %s (+MAC) or remove every entry (an "
                      "empty mask lets every host in)",
                      file_name_of(address).c_str(), missing.size() > 1 ? "s" : "", macs.c_str(),
                      missing.size() > 1 ? "them" : "it");
          return (void)fuse_reply_err(req, EPERM);
        }
        aoe::MacMaskMessage msg;
        msg.command = static_cast<std::uint8_t>(aoe::MaskCommand::edit);
        msg.directives = std::move(edit);
        initiator->mac_mask(address, std::move(msg),
                            [req](std::error_code ec2, const aoe::MacMaskMessage& m) {
                              reply_error(req, ec2 ? ec2 : mask_error(m.error));
                            });
      });
}

// Checks common to setxattr and removexattr: the name is ours and writable,
// the mount writable. Replies and returns false otherwise.
bool may_write(fuse_req_t req, Xattr which) {
  if (!xattr_writable(which)) return fuse_reply_err(req, EPERM), false;
  if (context(req).options.read_only) return fuse_reply_err(req, EROFS), false;
  return true;
}

// `setfattr -n user.aoe.forget FILE`: the admin's removal of a target that
// is down (target_table.hpp), as aoe-flush is for the Linux driver. An
// action, not an attribute: it has no value and is not listed.
constexpr std::string_view kForgetAttribute = "user.aoe.forget";

void forget_target(fuse_req_t req, fuse_ino_t ino) {
  auto& ctx = context(req);
  const auto f = ctx.table->by_inode(ino);
  switch (ctx.table->forget(ino)) {
    case TargetTable::ForgetResult::forgotten:
      log_message(LogLevel::info, "%s forgotten (user.aoe.forget): no longer listed",
                  f->name.c_str());
      return (void)fuse_reply_err(req, 0);
    case TargetTable::ForgetResult::present:
      return (void)fuse_reply_err(req, EBUSY);  // it answers: it would be found again at once
    case TargetTable::ForgetResult::unknown:
      return (void)fuse_reply_err(req, ENOENT);
  }
}

void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char* name, const char* value, size_t size,
                 int flags) {
  if (name == kForgetAttribute) return forget_target(req, ino);
  const auto which = xattr_by_name(name);
  if (!which) return (void)fuse_reply_err(req, ENOTSUP);
  Subject s;
  if (!find_subject(req, ino, ENOTSUP, s) || !may_write(req, *which)) return;
  const std::string_view text(value, size);
  switch (*which) {
    case Xattr::config: {
      if (auto ec = check_config_value(text)) return reply_error(req, ec);
      const auto cmd =
          (flags & XATTR_CREATE) ? aoe::ConfigCommand::set_if_empty : aoe::ConfigCommand::force_set;
      return set_config(req, s, cmd, std::string(text));
    }
    case Xattr::reserve: {
      auto r = parse_reserve_value(text);
      if (!r) return (void)fuse_reply_err(req, EINVAL);
      return set_reserve(req, s, *r);
    }
    case Xattr::mask: {
      auto directives = parse_mask_value(text);
      if (!directives) return (void)fuse_reply_err(req, EINVAL);
      return edit_mask(req, s, std::move(*directives));
    }
    default:
      fuse_reply_err(req, EPERM);
  }
}

void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char* name) {
  const auto which = xattr_by_name(name);
  if (!which) return (void)fuse_reply_err(req, ENODATA);
  Subject s;
  if (!find_subject(req, ino, ENODATA, s) || !may_write(req, *which)) return;
  if (*which == Xattr::config) return set_config(req, s, aoe::ConfigCommand::force_set, {});
  if (*which == Xattr::reserve) return set_reserve(req, s, ReserveRequest{});
  fuse_reply_err(req, EPERM);  // a mask is edited entry by entry, not removed
}

void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
  auto& ctx = context(req);
  const bool target = ctx.initiator && ctx.table->by_inode(ino);
  reply_value(req, size, target ? xattr_name_list() : std::string{});
}

}  // namespace

void add_xattr_operations(fuse_lowlevel_ops& ops) {
  ops.getxattr = op_getxattr;
  ops.setxattr = op_setxattr;
  ops.listxattr = op_listxattr;
  ops.removexattr = op_removexattr;
}

}  // namespace aoefs
