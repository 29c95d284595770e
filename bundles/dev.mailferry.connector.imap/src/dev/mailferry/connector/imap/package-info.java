/** IMAP source and target connectors (Jakarta Mail / Angus Mail), registered as Declarative Services components. */
package dev.mailferry.connector.imap;
