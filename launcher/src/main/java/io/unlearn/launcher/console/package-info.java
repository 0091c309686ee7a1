/** What the demo shows on the terminal while it runs, and its closing report; logs go to files. */
package io.unlearn.launcher.console;
