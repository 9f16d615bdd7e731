-- OpenFGA's datastore lives beside the product's database, in its own database.
CREATE DATABASE openfga;
