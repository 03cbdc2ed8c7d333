"""The stages from reading the articles to scoring the brief, one module each.

Every stage module has one entry point of one shape (summarize.types.Stage), a class named after
the module (clean.py: CleanStage):

    step = CleanStage(settings: CleanSettings, models: Models)   # once per event
    work, counts = step(work: EventWork)

built from its typed settings (summarize/settings.py, conf/<group>/) and the process's models,
taking the event as the previous stage handed it on and handing it on with the fields it declares
in `writes` filled in, reading only those it declares in `reads`. No stage imports another;
summarize.runtime.runner wires them, times them and records their counts.
"""
