#include "aoefs/metrics/metrics_answer.hpp"

#include "aoefs/metrics/host_check.hpp"

#include <optional>
#include <string_view>

namespace aoefs {

namespace http = boost::beast::http;

namespace {

void set_text(MetricsResponse& response, http::status status, const char* text) {
  response.result(status);
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = text;
}

// The status refusing the request's Host fields, or nothing when they pass.
std::optional<http::status> host_refusal(const MetricsRequest& request, std::uint16_t port) {
  const auto hosts = request.count(http::field::host);
  if (hosts > 1 || (hosts == 0 && request.version() >= 11)) return http::status::bad_request;
  if (hosts == 0) return std::nullopt;
  const auto host = request[http::field::host];
  if (!is_allowed_host(std::string_view(host.data(), host.size()), port))
    return http::status::misdirected_request;
  return std::nullopt;
}

}  // namespace

MetricsResponse answer_request(const MetricsRequest& request, boost::beast::error_code parse_error,
                               std::uint16_t port, const std::function<std::string()>& render) {
  MetricsResponse response;
  response.version(parse_error ? 11 : request.version());
  response.keep_alive(false);
  response.set(http::field::server, "aoefs");
  const auto target = request.target();
  if (parse_error == http::error::header_limit || parse_error == http::error::body_limit) {
    set_text(response, http::status::payload_too_large, "request too large\n");
  } else if (parse_error) {
    set_text(response, http::status::bad_request, "bad request\n");
  } else if (const auto refusal = host_refusal(request, port)) {
    set_text(response, *refusal,
             *refusal == http::status::bad_request
                 ? "exactly one Host header, please\n"
                 : "Host must be localhost or a numeric address, with this port or none\n");
  } else if (request.method() != http::verb::get && request.method() != http::verb::head) {
    response.set(http::field::allow, "GET, HEAD");
    set_text(response, http::status::method_not_allowed, "only GET and HEAD\n");
  } else if (target != "/metrics" && !target.starts_with("/metrics?")) {
    set_text(response, http::status::not_found, "the statistics are at /metrics\n");
  } else {
    response.result(http::status::ok);
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.body() = render();
  }
  response.prepare_payload();
  if (request.method() == http::verb::head && !parse_error) response.body().clear();
  return response;
}

}  // namespace aoefs
