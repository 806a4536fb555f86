// Package mock holds fakes of msgcenter's service interfaces for tests: one
// struct per interface, with one function field per method, so a test sets
// only the calls it expects; any other call panics on the nil field, with
// the method in the stack.
package mock
