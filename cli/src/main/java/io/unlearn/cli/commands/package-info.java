/** One class per {@code bin/unlearn} subcommand. */
package io.unlearn.cli.commands;
