/** Admission is one stage for every listener: the same request gets the same answer wherever it arrives. */
package dev.portcullis.node.admission;
