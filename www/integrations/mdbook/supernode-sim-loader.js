// supernode-sim for mdBook, without a preprocessor: mdBook loads `additional-js` files as classic
// scripts, so this one imports the element's module. Put it next to book.toml, name it in
// book.toml (`[output.html] additional-js = ["supernode-sim-loader.js"]`), change the address to
// where the element is, and write `<supernode-sim …></supernode-sim>` in any chapter.
import('/supernode-sim/www/supernode-sim.js');
