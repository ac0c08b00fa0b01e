// What one request to the /metrics server gets, decided from the parsed
// request alone (metrics_server.hpp handles the connections). In this order:
//  * the request did not parse: 413 when its head is over the limit or it
//    has a body, 400 otherwise;
//  * its Host: more than one Host field, or none in HTTP/1.1, is 400 (RFC
//    9112 §3.2); one is_allowed_host refuses (host_check.hpp) is 421
//    Misdirected Request, before the method and path are looked at so a
//    rebinding page learns nothing. No Host in HTTP/1.0 is answered: every
//    browser sends Host, so such a request is no rebinding;
//  * a method other than GET or HEAD: 405 with Allow; a path other than
//    /metrics or /metrics?...: 404;
//  * otherwise 200, text/plain; version=0.0.4, with render()'s text (HEAD:
//    the same headers, no body).
// Every answer says Connection: close and Server: aoefs.
//
// REQUIRES: `request` is what the parser holds (partial when `parse_error`);
// `port` is the server's own; `render` is called only for a 200.
#pragma once

// Boost 1.74's Asio needs <utility> first (see protocol/io/asio.hpp).
#include <utility>

#include <boost/beast/http.hpp>
#include <cstdint>
#include <functional>
#include <string>

namespace aoefs {

using MetricsRequest = boost::beast::http::request<boost::beast::http::empty_body>;
using MetricsResponse = boost::beast::http::response<boost::beast::http::string_body>;

MetricsResponse answer_request(const MetricsRequest& request, boost::beast::error_code parse_error,
                               std::uint16_t port, const std::function<std::string()>& render);

}  // namespace aoefs
