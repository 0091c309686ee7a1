/** How every service reads its settings: an optional properties file, overridden by prefixed environment variables. */
package io.unlearn.kit.config;
