"""Sans-IO protocol machines, one per service, in the h11 model (see ``_machine``)."""
