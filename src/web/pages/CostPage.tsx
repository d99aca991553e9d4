/** The Cost page (issue 11): not built yet. */
export function CostPage() {
  return (
    <section>
      <h2>Cost</h2>
      <p>Not built yet.</p>
    </section>
  );
}
