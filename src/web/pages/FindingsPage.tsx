/** The Findings page (issue 11): not built yet. */
export function FindingsPage() {
  return (
    <section>
      <h2>Findings</h2>
      <p>Not built yet.</p>
    </section>
  );
}
