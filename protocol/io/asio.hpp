// The one way into Boost.Asio for the whole tree. Boost 1.74's Asio uses
// std::exchange without including <utility>, which g++ 12's libstdc++ no
// longer pulls in through other headers: <utility> must come first. Every
// file that needs Asio includes this header instead of <boost/asio/...>.
#pragma once

#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
