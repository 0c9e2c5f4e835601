// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/app/Application.hpp"

int main(int argc, char** argv)
{
    return hoststudio::app::runApplication(argc, argv);
}
