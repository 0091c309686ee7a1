/**
 * What the launcher drives through a running deployment: base models trained and registered
 * ({@link io.unlearn.launcher.scenario.BaseModels}), deletion requests sent, every request followed on the status
 * topic until it settles ({@link io.unlearn.launcher.scenario.RequestTracker}), and the latency of each stage
 * ({@link io.unlearn.launcher.scenario.LatencyReport}).
 */
package io.unlearn.launcher.scenario;
