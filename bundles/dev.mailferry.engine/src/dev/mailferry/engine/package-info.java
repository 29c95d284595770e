/** The migration engine: plans, copies and records mailbox migrations; the API shared by the CLI and the UI. */
package dev.mailferry.engine;
