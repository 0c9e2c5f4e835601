// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// TLS for the studio's client connections (https, wss).
//
// A TLS context always verifies the server: the system CA store is trusted, plus at most one CA
// named explicitly (a private CA of a self-hosted ingest or relay); the server's certificate must
// name the host that was dialled (SNI is sent for host names). TLS 1.2 is the minimum. There is no
// setting that turns verification off, on purpose.
//
// Thread safety: TlsSettings is a value type. A TlsContext is immutable after create() and may be
// shared by any number of connections on any thread.

#include "hoststudio/core/Result.hpp"

#include <memory>
#include <string>

namespace hoststudio::net {

struct TlsSettings {
    // A PEM file with one more CA certificate to trust besides the system store (empty: none).
    std::string extraCaFile;
};

// Opaque: the configured OpenSSL client context (defined inside the net module).
class TlsContext;

class TlsContextFactory {
public:
    // Fails with NetErrc::invalidCaFile when the extra CA file is missing, unreadable or holds no
    // PEM certificate (the detail names the file and why).
    [[nodiscard]] static core::Result<std::shared_ptr<TlsContext>> create(const TlsSettings& settings);
};

} // namespace hoststudio::net
