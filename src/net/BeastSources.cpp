// SPDX-License-Identifier: GPL-2.0-or-later
// The compiled parts of Boost.Asio (with its SSL support) and Boost.Beast, once for the program:
// the module is built with BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION
// (PUBLIC compile definitions of HostStudio::net), so no other file compiles them again.

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
