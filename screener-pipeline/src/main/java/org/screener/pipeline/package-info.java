/**
 * The Screener pipeline (issue 4): descriptor and condition models trained with dense SSL on crop pairs,
 * the density model of one given the other, and whole-scan anomaly maps in the geometry of the input scan.
 */
package org.screener.pipeline;
