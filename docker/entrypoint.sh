#!/bin/sh
# The container's start: bring the database schema up to date, then run the bot.
# Arguments go to `floorbot run` (e.g. --webhook URL); settings come from the environment.
set -e
floorbot db upgrade
exec floorbot run "$@"
