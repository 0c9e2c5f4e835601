// SPDX-License-Identifier: GPL-2.0-or-later
#include "TlsContextImpl.hpp"

#include "hoststudio/net/NetError.hpp"

#include <boost/asio/ip/address.hpp>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <sys/stat.h>

namespace hoststudio::net {

namespace {

struct FileCloser {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};
struct X509Deleter {
    void operator()(X509* certificate) const noexcept { X509_free(certificate); }
};

core::Error caFileError(const std::string& path, const std::string& why)
{
    return {NetErrc::invalidCaFile, "CA file '" + path + "': " + why};
}

// Reads every PEM certificate of the file into the context's store; at least one must be there.
core::Status addCaFile(SSL_CTX* context, const std::string& path)
{
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        return caFileError(path, std::strerror(errno)); // NOLINT(concurrency-mt-unsafe): the message only
    }
    X509_STORE* store = SSL_CTX_get_cert_store(context);
    int added = 0;
    for (;;) {
        std::unique_ptr<X509, X509Deleter> certificate(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
        if (!certificate) {
            break;
        }
        if (X509_STORE_add_cert(store, certificate.get()) != 1) {
            const unsigned long reason = ERR_peek_last_error();
            // The same CA twice (also in the system store) is fine.
            if (ERR_GET_REASON(reason) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
                ERR_clear_error();
                return caFileError(path, "the certificate could not be added to the trust store");
            }
        }
        ++added;
    }
    ERR_clear_error(); // the end of the file reads as an error
    if (added == 0) {
        return caFileError(path, "no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)");
    }
    return {};
}

} // namespace

namespace {

// Loading the system CA store costs tens of milliseconds: contexts of the same settings are shared
// (a context is immutable once made) and kept for the process's life, so that the next session
// does not load it again; at most kKeptContexts that no client uses any more are kept. The extra
// CA file's size and time are part of the key, so an edited file makes a new context.
std::string contextKey(const TlsSettings& settings)
{
    std::string key = settings.extraCaFile;
    struct stat info {};
    if (!settings.extraCaFile.empty() && ::stat(settings.extraCaFile.c_str(), &info) == 0) {
        key += '\n' + std::to_string(info.st_size) + '\n' + std::to_string(info.st_mtim.tv_sec) + '.' +
               std::to_string(info.st_mtim.tv_nsec);
    }
    return key;
}

constexpr std::size_t kKeptContexts = 4;
std::mutex gContextsMutex; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::map<std::string, std::shared_ptr<TlsContext>>
    gContexts; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

core::Result<std::shared_ptr<TlsContext>> makeContext(const TlsSettings& settings);

} // namespace

core::Result<std::shared_ptr<TlsContext>> TlsContextFactory::create(const TlsSettings& settings)
{
    const std::string key = contextKey(settings);
    const std::lock_guard lock(gContextsMutex);
    if (auto found = gContexts.find(key); found != gContexts.end()) {
        return found->second;
    }
    auto made = makeContext(settings);
    if (made) {
        if (gContexts.size() >= kKeptContexts) {
            std::erase_if(gContexts, [](const auto& entry) { return entry.second.use_count() == 1; });
        }
        gContexts[key] = *made;
    }
    return made;
}

namespace {

core::Result<std::shared_ptr<TlsContext>> makeContext(const TlsSettings& settings)
{
    auto tls = std::make_shared<TlsContext>();
    SSL_CTX* context = tls->context.native_handle();
    boost::system::error_code error;
    tls->context.set_options(boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_sslv2 |
                                 boost::asio::ssl::context::no_sslv3 | boost::asio::ssl::context::no_tlsv1 |
                                 boost::asio::ssl::context::no_tlsv1_1,
                             error);
    if (error || SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) != 1) {
        return core::Error{NetErrc::tlsHandshakeFailed, "cannot require TLS 1.2 or newer"};
    }
    tls->context.set_default_verify_paths(error);
    if (error) {
        qCWarning(lcNet) << "the system CA store could not be loaded:" << error.message().c_str();
    }
    if (!settings.extraCaFile.empty()) {
        const core::Status added = addCaFile(context, settings.extraCaFile);
        if (!added) {
            return added.error();
        }
    }
    tls->context.set_verify_mode(boost::asio::ssl::verify_peer, error);
    if (error) {
        return core::Error{NetErrc::tlsHandshakeFailed, "cannot turn certificate verification on"};
    }
    return tls;
}

} // namespace

namespace detail {

core::Status prepareTlsClient(SSL* ssl, const std::string& host)
{
    boost::system::error_code notAnAddress;
    boost::asio::ip::make_address(host, notAnAddress);
    if (notAnAddress) {
        // SNI is for host names only (RFC 6066 3).
        // SSL_set_tlsext_host_name() is a macro with a C cast; this is what it expands to.
        if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(host.c_str())) != 1) { // NOLINT(cppcoreguidelines-pro-type-const-cast)
            ERR_clear_error();
            return core::Error{NetErrc::tlsHandshakeFailed, "cannot set the TLS server name '" + host + "'"};
        }
        if (SSL_set1_host(ssl, host.c_str()) != 1) {
            ERR_clear_error();
            return core::Error{NetErrc::tlsHandshakeFailed, "cannot verify the host name '" + host + "'"};
        }
    } else if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1) {
        ERR_clear_error();
        return core::Error{NetErrc::tlsHandshakeFailed, "cannot verify the IP address '" + host + "'"};
    }
    SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    return {};
}

} // namespace detail
} // namespace hoststudio::net
