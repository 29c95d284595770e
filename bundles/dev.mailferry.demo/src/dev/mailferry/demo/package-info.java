/** Throwaway local IMAP servers filled with sample mailboxes, for the demo, the tests and the benchmark. */
package dev.mailferry.demo;
