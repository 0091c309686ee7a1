/** Checking a signed deletion receipt: its signature, its artifacts' digests and its lineage events. */
package io.unlearn.cli.receipts;
