/** Imports mailbox lists in Exchange Online migration CSV format. */
package dev.mailferry.core.csv;
