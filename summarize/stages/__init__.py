"""The stages from reading the articles to scoring the brief, one module each.

Every stage module has one entry point of one shape,

    run(work: EventWork, params: dict, models: Models) -> tuple[EventWork, dict]

taking the event as the previous stage handed it on and its own config section (conf/<group>/),
and handing the event on with its own part filled in, with the counts it reports. No stage imports
another; summarize.runtime.runner wires them, times them and records their counts.
"""
