-- The example "library" database: a second schema beside the shop, with the key types real tables
-- use. Its entity declarations (src/schema/generated/library) are generated from it by
-- `npm run generate -- --from mysql://…/library --search genres:name,slug`.

-- A table keyed by a text UUID (CHAR(36)).
CREATE TABLE authors (
  id CHAR(36) NOT NULL,
  name VARCHAR(200) NOT NULL,
  born_on DATE NULL,
  biography TEXT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An AUTO_INCREMENT integer key, and the one searchable table (by name).
CREATE TABLE genres (
  id INT NOT NULL AUTO_INCREMENT,
  name VARCHAR(100) NOT NULL,
  slug VARCHAR(100) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_genres_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A table keyed by a binary UUID (BINARY(16)).
CREATE TABLE books (
  id BINARY(16) NOT NULL,
  author_id CHAR(36) NOT NULL,
  genre_id INT NULL,
  title VARCHAR(300) NOT NULL,
  isbn CHAR(13) NULL,
  price DECIMAL(8,2) NOT NULL,
  pages SMALLINT UNSIGNED NULL,
  in_print TINYINT(1) NOT NULL DEFAULT 1,
  details JSON NULL,
  published_on DATE NULL,
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_books_isbn (isbn),
  KEY idx_books_author (author_id, id),
  KEY idx_books_genre (genre_id, id),
  CONSTRAINT fk_books_author FOREIGN KEY (author_id) REFERENCES authors (id),
  CONSTRAINT fk_books_genre FOREIGN KEY (genre_id) REFERENCES genres (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A BIGINT UNSIGNED key: ids beyond 2^53 (issued by an external id service) stay exact.
CREATE TABLE members (
  id BIGINT UNSIGNED NOT NULL,
  email VARCHAR(255) NOT NULL,
  display_name VARCHAR(100) NOT NULL,
  tier ENUM('basic','premium') NOT NULL DEFAULT 'basic',
  joined_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_members_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The join table: a composite key of a binary UUID and an unsigned BIGINT.
CREATE TABLE loans (
  book_id BINARY(16) NOT NULL,
  member_id BIGINT UNSIGNED NOT NULL,
  borrowed_at DATETIME(3) NOT NULL,
  due_on DATE NOT NULL,
  returned_at DATETIME(3) NULL,
  PRIMARY KEY (book_id, member_id),
  KEY idx_loans_member (member_id, book_id),
  CONSTRAINT fk_loans_book FOREIGN KEY (book_id) REFERENCES books (id),
  CONSTRAINT fk_loans_member FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
