/** Documentation generated from the code: the services' settings reference. */
package io.unlearn.launcher.docs;
