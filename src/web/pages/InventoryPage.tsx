/** The Inventory page (issue 11): not built yet. */
export function InventoryPage() {
  return (
    <section>
      <h2>Inventory</h2>
      <p>Not built yet.</p>
    </section>
  );
}
