/**
 * One command runs the whole system on one machine: {@link io.unlearn.launcher.LocalDeployment} starts a Kafka
 * broker, a schema registry and the four services as separate processes; {@link io.unlearn.launcher.Launcher}
 * drives a scenario through them.
 */
package io.unlearn.launcher;
