"""How station commands show progress and `--hold` events: steps on stderr, events on stdout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wxcc_desk.core.context import AppContext

if TYPE_CHECKING:
    from wxcc_desk.station.model import EventSink, StationEvent


def event_printer(actx: AppContext, json_out: bool) -> EventSink:
    def show(event: StationEvent) -> None:
        from wxcc_desk.render import station as render

        if event.kind == "step":
            actx.out.say(event.text, "dim")
        elif json_out:
            actx.out.data(render.event_json(event, actx.tracker))
        else:
            actx.out.data(render.event_line(event))

    return show
