// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/app/WindowSession.hpp"

#include "SessionAssembly.hpp"

#include <QTextStream>

namespace hoststudio::app {

namespace {

class AssembledSession final : public ui::StudioSession {
public:
    explicit AssembledSession(std::unique_ptr<SessionAssembly> assembly) : assembly_(std::move(assembly)) {}

    session::GoLiveController& controller() override { return assembly_->controller(); }
    [[nodiscard]] std::string providerName() const override { return assembly_->providerName(); }
    [[nodiscard]] std::vector<std::string> relays() const override { return assembly_->relays(); }
    std::optional<media::LiveStats> sampleStats() override { return assembly_->sampleMediaStats(); }

private:
    std::unique_ptr<SessionAssembly> assembly_;
};

} // namespace

ui::StudioSessionFactory makeWindowSessionFactory(const core::Settings& settings)
{
    return [&settings](const ui::StudioSessionRequest& request,
                       QString& notes) -> core::Result<std::unique_ptr<ui::StudioSession>> {
        SessionOptions options;
        options.eventId = request.eventId;
        options.provider = request.provider;
        if (request.recovering) {
            options.streamKey = QString::fromStdString(request.eventId); // stopping needs the id, never the key
        }
        QTextStream noteStream(&notes);
        auto assembly = SessionAssembly::create(settings, options, noteStream);
        noteStream.flush();
        if (!assembly) {
            return assembly.error();
        }
        return std::unique_ptr<ui::StudioSession>(std::make_unique<AssembledSession>(std::move(*assembly)));
    };
}

} // namespace hoststudio::app
