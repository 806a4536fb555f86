package main

// Go's zone database is embedded, so store time zones work on an image
// without /usr/share/zoneinfo (FROM scratch): the system's is used when
// present, this copy otherwise.
import _ "time/tzdata"
