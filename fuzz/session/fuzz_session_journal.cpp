// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the session journal (session.json) as a crash, a full disk or another program
// may have left it, read through SessionJournal::read() the way `hoststudio recover` does.
// Properties: reading never crashes and gives a record, nothing, or journalCorrupt; a record read
// survives a toJson/fromJson round trip unchanged, and a write/read round trip through the file.

#include "../FuzzSupport.hpp"

#include "hoststudio/session/SessionJournal.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace {

using hoststudio::session::JournalRecord;
using hoststudio::session::SessionJournal;

using hoststudio::fuzz::failProperty;

const std::filesystem::path& scratch()
{
    static const std::filesystem::path directory = [] {
        std::error_code error;
        std::filesystem::path base = std::filesystem::temp_directory_path(error);
        if (error) {
            base = "/tmp";
        }
        std::filesystem::path made = base / ("hoststudio-fuzz-journal-" + std::to_string(::getpid()));
        std::filesystem::create_directories(made, error);
        if (error) {
            failProperty("no scratch directory for the journal");
        }
        return made;
    }();
    return directory;
}

void removeScratch()
{
    std::error_code error;
    std::filesystem::remove_all(scratch(), error);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
    (void)scratch();
    std::atexit(removeScratch);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::filesystem::path input = scratch() / "session.json";
    {
        std::ofstream file(input, std::ios::binary | std::ios::trunc);
        file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        if (!file) {
            failProperty("cannot write the journal input");
        }
    }
    const SessionJournal journal(input);
    auto read = journal.read();
    if (!read) {
        (void)read.error().describe();
        return 0;
    }
    if (!read->has_value()) {
        failProperty("a journal file that exists read as no journal");
    }
    const JournalRecord& record = **read;
    auto again = JournalRecord::fromJson(record.toJson());
    if (!again || !(*again == record)) {
        failProperty("a journal record changed in a toJson/fromJson round trip");
    }
    const SessionJournal copy(scratch() / "copy.json");
    if (!copy.write(record)) {
        failProperty("a journal record read cannot be written");
    }
    auto reread = copy.read();
    if (!reread || !reread->has_value() || !(**reread == record)) {
        failProperty("a journal record changed in a write/read round trip");
    }
    return 0;
}
