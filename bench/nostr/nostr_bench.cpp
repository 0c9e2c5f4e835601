// SPDX-License-Identifier: GPL-2.0-or-later
// hoststudio-nostr-bench: the nostr module's throughput and the relay pool's fan-out, for
// bench/nostr/run.sh (which runs nostr-tools on the same work in the same run).
//
//   hoststudio-nostr-bench sign COUNT          sign COUNT kind-1 events; one JSON line
//   hoststudio-nostr-bench verify COUNT        verify COUNT signed events (id and signature)
//   hoststudio-nostr-bench publish ROUNDS URL...
//       publish ROUNDS events to all URLs through one RelayPool, then ROUNDS events to each URL
//       alone; one JSON line with the median wall time of each
//
// Output: JSON lines on stdout; errors on stderr, exit status 1 (2 for a usage error).
// Single-threaded except for the pool's network thread.

#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/nostr/RelayPool.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace hoststudio;
using Clock = std::chrono::steady_clock;

int usage()
{
    std::cerr << "usage: hoststudio-nostr-bench sign COUNT | verify COUNT | publish ROUNDS URL...\n";
    return 2;
}

bool parseCount(const char* text, std::size_t& count)
{
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0' || value == 0 || value > 10000000ULL) {
        return false;
    }
    count = static_cast<std::size_t>(value);
    return true;
}

nostr::EventTemplate benchTemplate(std::size_t index, std::int64_t createdAt)
{
    // The same shape as bench/nostr/nostr_tools_bench.mjs signs.
    return nostr::EventTemplate{
        createdAt, nostr::eventKinds::textNote, {{"t", "bench"}}, "benchmark event number " + std::to_string(index)};
}

std::int64_t nowSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

int runSign(std::size_t count)
{
    const nostr::SecretKey key = nostr::SecretKey::generate().value();
    const std::int64_t createdAt = nowSeconds();
    std::size_t signedCount = 0;
    const Clock::time_point start = Clock::now();
    for (std::size_t index = 0; index < count; ++index) {
        const core::Result<nostr::Event> event = nostr::sign(benchTemplate(index, createdAt), key);
        if (!event) {
            std::cerr << "sign failed: " << event.error().describe() << '\n';
            return 1;
        }
        signedCount += event->sig.size() == 128 ? 1U : 0U;
    }
    const double seconds = secondsSince(start);
    std::cout << nlohmann::json{{"what", "sign"},
                                {"events", signedCount},
                                {"seconds", seconds},
                                {"eventsPerSecond", static_cast<double>(signedCount) / seconds}}
                     .dump()
              << std::endl;
    return 0;
}

int runVerify(std::size_t count)
{
    const nostr::SecretKey key = nostr::SecretKey::generate().value();
    const std::int64_t createdAt = nowSeconds();
    std::vector<nostr::Event> events;
    events.reserve(count);
    for (std::size_t index = 0; index < count; ++index) {
        events.push_back(nostr::sign(benchTemplate(index, createdAt), key).value());
    }
    std::size_t valid = 0;
    const Clock::time_point start = Clock::now();
    for (const nostr::Event& event : events) {
        valid += nostr::verify(event).ok() ? 1U : 0U;
    }
    const double seconds = secondsSince(start);
    if (valid != count) {
        std::cerr << "verify: only " << valid << " of " << count << " events verified\n";
        return 1;
    }
    std::cout << nlohmann::json{{"what", "verify"},
                                {"events", valid},
                                {"seconds", seconds},
                                {"eventsPerSecond", static_cast<double>(valid) / seconds}}
                     .dump()
              << std::endl;
    return 0;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

// Publishes `rounds` fresh events through a pool of `urls`; the wall time of each publish (ms),
// or an empty vector after printing why when a relay did not accept one.
std::vector<double> publishRounds(net::NetworkThread& network, const std::vector<std::string>& urls, std::size_t rounds,
                                  const nostr::SecretKey& key, std::size_t& serial)
{
    auto pool = nostr::RelayPool::create(network, urls);
    if (!pool) {
        std::cerr << "pool: " << pool.error().describe() << '\n';
        return {};
    }
    if (!pool.value()->waitUntilSettled(std::chrono::seconds(10))) {
        std::cerr << "pool: relays still connecting after 10 s\n";
        return {};
    }
    // One warm-up publish: the connections and the NIP-11 documents are settled before timing.
    std::vector<nostr::PublishOutcome> outcomes = pool.value()->publishAndWait(
        nostr::sign(benchTemplate(serial++, nowSeconds()), key).value(), std::chrono::seconds(10));
    std::vector<double> times;
    for (std::size_t round = 0; round < rounds; ++round) {
        const nostr::Event event = nostr::sign(benchTemplate(serial++, nowSeconds()), key).value();
        const Clock::time_point start = Clock::now();
        outcomes = pool.value()->publishAndWait(event, std::chrono::seconds(10));
        times.push_back(secondsSince(start) * 1000.0);
        for (const nostr::PublishOutcome& outcome : outcomes) {
            if (!outcome.succeeded()) {
                std::cerr << "publish to " << outcome.relayUrl << ": " << nostr::toString(outcome.kind) << ' '
                          << outcome.reason << '\n';
                return {};
            }
        }
    }
    return times;
}

int runPublish(std::size_t rounds, const std::vector<std::string>& urls)
{
    const nostr::SecretKey key = nostr::SecretKey::generate().value();
    net::NetworkThread network;
    std::size_t serial = 0;
    const std::vector<double> all = publishRounds(network, urls, rounds, key, serial);
    if (all.empty()) {
        return 1;
    }
    nlohmann::json single = nlohmann::json::array();
    double slowest = 0.0;
    double sum = 0.0;
    for (const std::string& url : urls) {
        const std::vector<double> times = publishRounds(network, {url}, rounds, key, serial);
        if (times.empty()) {
            return 1;
        }
        const double value = median(times);
        slowest = std::max(slowest, value);
        sum += value;
        single.push_back(nlohmann::json{{"url", url}, {"medianMs", value}});
    }
    std::cout << nlohmann::json{{"what", "publish"},
                                {"relays", urls.size()},
                                {"rounds", rounds},
                                {"allMedianMs", median(all)},
                                {"allMaxMs", *std::max_element(all.begin(), all.end())},
                                {"slowestSingleMedianMs", slowest},
                                {"sumOfSingleMediansMs", sum},
                                {"single", single}}
                     .dump()
              << std::endl;
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string_view> arguments(argv + 1, argv + argc);
    std::size_t count = 0;
    if (arguments.size() == 2 && arguments[0] == "sign" && parseCount(argv[2], count)) {
        return runSign(count);
    }
    if (arguments.size() == 2 && arguments[0] == "verify" && parseCount(argv[2], count)) {
        return runVerify(count);
    }
    if (arguments.size() >= 3 && arguments[0] == "publish" && parseCount(argv[2], count)) {
        return runPublish(count, std::vector<std::string>(argv + 3, argv + argc));
    }
    return usage();
}
