/** The Trail page (issue 11): not built yet. */
export function TrailPage() {
  return (
    <section>
      <h2>Trail</h2>
      <p>Not built yet.</p>
    </section>
  );
}
