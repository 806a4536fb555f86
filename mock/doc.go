// Package mock holds fakes of msgcenter's service interfaces for tests: one
// struct per interface, with one function field per method, so a test sets
// only the calls it expects and any other call panics, naming the method.
package mock
