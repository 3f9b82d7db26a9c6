# Manual pages: netsift(1) and netsift-events(7); tests/man.sh checks them.
dist_man_MANS += man/netsift.1 man/netsift-events.7
