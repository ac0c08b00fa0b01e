#include "support/responder/answer_header.hpp"

namespace aoetest {

aoe::Header turned_around(const aoe::Header& request, const aoe::MacAddress& from) {
  aoe::Header h = request;
  h.dst = request.src;
  h.src = from;
  h.response = true;
  return h;
}

aoe::Header answer_header(const aoe::Header& request, const aoe::MacAddress& from) {
  aoe::Header h = turned_around(request, from);
  h.error = false;
  h.error_code = 0;
  return h;
}

aoe::Header broadcast_answer_header(const aoe::MacAddress& from, aoe::TargetAddress target,
                                    aoe::Command command, std::uint32_t tag) {
  aoe::Header h;
  h.dst = aoe::MacAddress::broadcast();
  h.src = from;
  h.response = true;
  h.target = target;
  h.command = static_cast<std::uint8_t>(command);
  h.tag = tag;
  return h;
}

}  // namespace aoetest
